from midb_cli.cli.main import main

# The guard matters: engines that spawn worker processes (vLLM with tensor parallelism)
# re-import the main module in each child, which must not run the CLI again.
if __name__ == "__main__":
    main()
