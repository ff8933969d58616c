import AnchorRegCLI

AnchorRegCommand.main()
