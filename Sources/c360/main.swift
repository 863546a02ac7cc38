print("c360")
