create = true
