/// <summary>A .NET startup hook (DOTNET_STARTUP_HOOKS=Playbook.Tests.dll) that the CLI child processes of
/// <see cref="Playbook.Tests.Cli.LazyLoadingTests"/> run before their Main: it writes the names of every assembly
/// the process loaded to PLAYBOOK_TEST_ASSEMBLY_LOG when it exits. It must live outside any namespace and use
/// only the base library: it runs inside the CLI, not the test host.</summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var log = Environment.GetEnvironmentVariable("PLAYBOOK_TEST_ASSEMBLY_LOG");
        if (string.IsNullOrEmpty(log)) return;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            File.WriteAllLines(log, AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? ""));
    }
}
