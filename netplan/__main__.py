from netplan.cli import main

main()
