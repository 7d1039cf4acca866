from exporter import export_contacts


def test_export_lowercases_email():
    out = export_contacts([{"name": "Ada", "email": "ADA@EXAMPLE.ORG"}])
    assert out == '[{"email": "ada@example.org", "name": "Ada"}]'


def test_export_empty():
    assert export_contacts([]) == "[]"
