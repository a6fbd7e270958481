db_password = "canary-db-password-7f3a"
label       = "canary-sensitive-label-91c2"
