import AnchorRegCLI

AllocatorTuning.apply()
AnchorRegCommand.main()
