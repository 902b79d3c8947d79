"""Official spreadsheets: open any workbook, find the header, read product rows, stage them."""
