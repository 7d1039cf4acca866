def receipt_line(name, quantity, unit_cents):
    total = quantity * unit_cents
    return name + ": " + total + " cents"
