from kscms.cli import main

main()
