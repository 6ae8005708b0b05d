from eprep.cli import main

main()
