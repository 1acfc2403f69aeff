from latentcli.entry import main

main()
