from kabinet.cli import main

main()
