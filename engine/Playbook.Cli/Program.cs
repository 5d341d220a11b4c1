namespace Playbook.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        StartupProfile.Start(args);
        var exit = CommandLineApp.Guard(
            () => CommandLineApp.Run(args, Console.Out, Console.Error, EngineChecker.Check, CommandLineApp.ColorEnabled()),
            Console.Error);
        StartupProfile.Publish();
        return exit;
    }
}
