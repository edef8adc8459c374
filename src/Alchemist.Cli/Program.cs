using Alchemist.Cli;

return AlchemistCommandLine.Run(args, Console.Out, Console.Error);
