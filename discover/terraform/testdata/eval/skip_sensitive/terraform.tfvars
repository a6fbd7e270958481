skip = false
