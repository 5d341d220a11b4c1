using System.Diagnostics;

namespace Playbook.Benchmarks;

/// <summary><c>--cold-start [RUNS] [PLAYBOOK_EXECUTABLE]</c>: what a user waits for when CI runs the installed
/// tool once — the packed ReadyToRun tool (<c>dotnet pack engine/Playbook.Cli -c Release</c>, installed with
/// <c>dotnet tool install --tool-path</c> from the pack folder alone, as .ci/run does) running
/// <c>validate playbooks/worker-rollback.playbook</c>, next to a hello-world console app published the same way
/// (ReadyToRun, framework-dependent, invariant globalization, started through its apphost). Both are started
/// RUNS times, interleaved and in alternating order so that a burst of load hits both alike; the figure is the
/// ratio of the median wall times. Pass an installed <c>playbook</c> to skip the pack.</summary>
public static class ColdStartLoop
{
    private const string Playbook = "playbooks/worker-rollback.playbook";

    public static int Run(int runs, string? playbookExecutable)
    {
        var root = Corpus.RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("playbook-cold-start-");
        try
        {
            var hello = PublishHelloWorld(work.FullName);
            var tool = playbookExecutable ?? PackAndInstall(root, work.FullName);
            Console.WriteLine($"// {Environment.ProcessorCount} cores, load {LanguageServerLoop.Load()}; {runs} runs each");
            Console.WriteLine($"// hello:    {hello}");
            Console.WriteLine($"// validate: {tool} validate {Playbook}");

            // Two warm-ups each: the first start after a pack or publish also pays for the page cache.
            for (var i = 0; i < 2; i++) { Time(root, hello); Time(root, tool, "validate", Playbook); }
            var helloTimes = new List<double>(runs);
            var validateTimes = new List<double>(runs);
            var helloCpu = new List<double>(runs);
            var validateCpu = new List<double>(runs);
            void Hello() => Record(Time(root, hello), helloTimes, helloCpu);
            void Validate() => Record(Time(root, tool, "validate", Playbook), validateTimes, validateCpu);
            for (var i = 0; i < runs; i++)
            {
                if (i % 2 == 0) { Hello(); Validate(); }
                else { Validate(); Hello(); }
            }
            var helloMedian = DevCommands.Median(helloTimes);
            var validateMedian = DevCommands.Median(validateTimes);
            Console.WriteLine($"hello world (ReadyToRun):       median {helloMedian,7:F1} ms, min {helloTimes.Min(),7:F1} ms");
            Console.WriteLine($"playbook validate (tool, R2R):  median {validateMedian,7:F1} ms, min {validateTimes.Min(),7:F1} ms");
            Console.WriteLine($"ratio {validateMedian / helloMedian:F2}x (goal <= 3x); load {LanguageServerLoop.Load()}");
            // CPU time (user + system) of the same starts: what the work costs, with most of the waiting for a core left out.
            var helloCpuMedian = DevCommands.Median(helloCpu);
            var validateCpuMedian = DevCommands.Median(validateCpu);
            Console.WriteLine($"CPU time: hello median {helloCpuMedian:F1} ms (min {helloCpu.Min():F1}), validate median {validateCpuMedian:F1} ms (min {validateCpu.Min():F1}), ratio {validateCpuMedian / helloCpuMedian:F2}x");
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void Record((double Wall, double Cpu) time, List<double> wall, List<double> cpu)
    {
        wall.Add(time.Wall);
        cpu.Add(time.Cpu);
    }

    /// <summary>CPU milliseconds of the reaped children so far (the fuzz tool's <see cref="global::Playbook.Fuzz.ChildCpu"/>): the
    /// difference around one wait is what that child spent on a CPU, which moves far less with other load than wall
    /// time. NaN where getrusage is not read.</summary>
    private static double ReapedCpuMilliseconds() =>
        OperatingSystem.IsLinux() ? global::Playbook.Fuzz.ChildCpu.ReapedChildren().TotalMilliseconds : double.NaN;

    /// <summary>Wall time from starting the process to its exit, and the CPU time it used, output discarded; a
    /// non-zero exit is a broken measurement, not a figure.</summary>
    private static (double Wall, double Cpu) Time(string directory, string executable, params string[] args)
    {
        var cpuBefore = ReapedCpuMilliseconds();
        var info = new ProcessStartInfo(executable) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var elapsed = sw.Elapsed.TotalMilliseconds;
        var cpu = ReapedCpuMilliseconds() - cpuBefore;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', args)} exited {process.ExitCode}: {output.Result}{error.Result}");
        }
        return (elapsed, cpu);
    }

    private static string PublishHelloWorld(string work)
    {
        var project = Path.Combine(work, "hello");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "hello.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <InvariantGlobalization>true</InvariantGlobalization>
                <PublishReadyToRun>true</PublishReadyToRun>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), "System.Console.WriteLine(\"hello\");\n");
        var output = Path.Combine(project, "out");
        Dotnet(project, "publish", "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", output);
        return Path.Combine(output, "hello");
    }

    /// <summary>The commands of .ci/run: pack, then install from the pack folder with a nuget.config that clears
    /// every other source.</summary>
    private static string PackAndInstall(string root, string work)
    {
        var artifacts = Path.Combine(work, "artifacts");
        Dotnet(root, "pack", "engine/Playbook.Cli", "-c", "Release", "-o", artifacts);
        var config = Path.Combine(work, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="artifacts" value="{artifacts}" />
              </packageSources>
            </configuration>
            """);
        var tools = Path.Combine(work, "bin");
        Dotnet(work, "tool", "install", "--tool-path", tools, "--configfile", config, "playbook");
        return Path.Combine(tools, "playbook");
    }

    private static void Dotnet(string directory, params string[] args)
    {
        Console.WriteLine($"// dotnet {string.Join(' ', args)}");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited {process.ExitCode}:\n{output.Result}{error.Result}");
        }
    }

}
