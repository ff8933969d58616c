import AnchorRegCLI

AllocatorTuning.apply()
AnchorRegCommand.mainRefusingDashFileNames()
