namespace Playbook.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        StartupWarmUp.Start(args);
        return CommandLineApp.Guard(
            () => CommandLineApp.Run(args, Console.Out, Console.Error, EngineChecker.Check, CommandLineApp.ColorEnabled()),
            Console.Error);
    }
}
