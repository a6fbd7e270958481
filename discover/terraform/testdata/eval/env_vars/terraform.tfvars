tier = "from-tfvars"
