import AnchorRegBench
import AnchorRegCLI

AllocatorTuning.apply()
AnchorRegBenchCommand.main()
