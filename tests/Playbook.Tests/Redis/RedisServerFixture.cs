using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Playbook.Tests.Redis;

/// <summary>A real <c>redis-server</c> of the tests' own: on a free loopback port, in a temp folder, with no
/// persistence, in the foreground (so it is our child and stops with us). Disposing it stops the server and
/// deletes the folder, also when the test failed. Without redis-server on PATH it fails with what to install:
/// the end-to-end tests must never be skipped (.ci/run installs the package).</summary>
public sealed class RedisServerFixture : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(15);

    private readonly Process _process;

    public RedisServerFixture()
    {
        // redis-cli comes with the package; the playbooks under test run it.
        var program = FindOnPath("redis-server");
        if (program is null || FindOnPath("redis-cli") is null)
            throw new InvalidOperationException(
                "redis-server or redis-cli is not installed, and the Redis end-to-end tests need both: install the " +
                "Debian package (apt-get install -y redis-server), as .ci/run does.");
        Directory = Path.Combine(Path.GetTempPath(), "playbook-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);

        // A port found free can be taken before redis binds it: then redis exits, and we try another.
        var failures = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Port = FreeLoopbackPort();
            var process = Start(program, Port);
            if (WaitUntilItAnswers(process, out var why))
            {
                _process = process;
                return;
            }
            failures.Add(why);
            Stop(process);
        }
        System.IO.Directory.Delete(Directory, recursive: true);
        throw new InvalidOperationException("redis-server did not start: " + string.Join("; ", failures));
    }

    public int Port { get; }

    /// <summary>The server's working folder (its --dir), deleted on Dispose.</summary>
    public string Directory { get; }

    public RespClient Connect() => new(Port);

    private Process Start(string program, int port)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", Directory, "--logfile", "",
                 })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        // Drain its output so a chatty server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return process;
    }

    private bool WaitUntilItAnswers(Process process, out string why)
    {
        var clock = Stopwatch.StartNew();
        why = "";
        while (clock.Elapsed < StartLimit)
        {
            if (process.HasExited)
            {
                why = $"exited with {process.ExitCode} on port {Port}";
                return false;
            }
            try
            {
                using var client = Connect();
                if (client.Call("PING") as string == "PONG") return true;
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidOperationException)
            {
                why = e.Message;
            }
            Thread.Sleep(25);
        }
        why = $"no PONG on port {Port} within {StartLimit.TotalSeconds}s ({why})";
        return false;
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }

    public void Dispose()
    {
        Stop(_process);
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a file still held open: the temp folder is cleaned by the system */ }
    }
}
