create = false
