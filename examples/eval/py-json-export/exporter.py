"""Export contacts as JSON for the address-book sync."""


def export_contacts(contacts):
    rows = [{"name": c["name"], "email": c["email"].lower()} for c in contacts]
    return json.dumps(rows, sort_keys=True)
