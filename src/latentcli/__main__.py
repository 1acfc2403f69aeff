from latentcli.cli import main

main()
