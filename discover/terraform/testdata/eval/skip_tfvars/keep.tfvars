# Read only when given with --var-file: it keeps the final snapshot.
skip = false
