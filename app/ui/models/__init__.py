"""Table models of the pages: QAbstractTableModel over paged service queries."""
