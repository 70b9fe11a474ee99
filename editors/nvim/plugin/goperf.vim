" goperf: nothing starts until require("goperf").setup{} is called (see lua/goperf/init.lua).
