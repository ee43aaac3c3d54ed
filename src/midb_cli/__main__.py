from midb_cli.cli.main import main

main()
