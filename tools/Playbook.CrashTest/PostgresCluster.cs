using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Playbook.CrashTest;

/// <summary>A throw-away PostgreSQL of one's own: <c>initdb</c> and <c>pg_ctl</c> (found with <c>pg_config --bindir</c>,
/// else under /usr/lib/postgresql/*/bin) in a private temp directory, on a free loopback port, trust authentication
/// for loopback only. PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the
/// <c>postgres</c> user (runuser), which owns the directory. Disposing it stops the server and deletes the directory.
/// Shared by the tests' fixture, the crash tool (<c>--store postgres</c>) and the benchmarks, so all three start
/// the server the same way.</summary>
public sealed class PostgresCluster : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private readonly string _bin;
    private readonly bool _asPostgres;
    private int _databases;

    /// <summary>Starts a new server; throws with what to install when PostgreSQL is missing or does not start.</summary>
    public PostgresCluster()
    {
        _bin = BinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no initdb/pg_ctl from 'pg_config --bindir' or under /usr/lib/postgresql/*/bin): " +
            "install the Debian package (apt-get install -y postgresql), as .ci/run does.");
        _asPostgres = Environment.UserName == "root";
        Directory = Path.Combine(Path.GetTempPath(), "playbook-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Playbook.Journal.PrivateFiles.CreateDirectory(Directory);
        try
        {
            if (_asPostgres) Check(Tool("chown", ["postgres:", Directory], asPostgres: false), "chown");
            Check(Tool(Path.Combine(_bin, "initdb"), ["-D", DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync"], _asPostgres), "initdb");
            var failures = new List<string>();
            for (var attempt = 0; attempt < 5; attempt++)
            {
                Port = FreeLoopbackPort();
                var started = Tool(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(Directory, "server.log"), "-w", "-t", "90",
                    "-o", ServerOptions, "start"], _asPostgres);
                if (started.Exit == 0) return;
                failures.Add($"port {Port}: {started.Output.Trim()} {Log()}");
            }
            throw new InvalidOperationException("PostgreSQL did not start: " + string.Join("; ", failures));
        }
        catch
        {
            Delete();
            throw;
        }
    }

    public const string User = "playbook";

    public int Port { get; private set; }

    public string Directory { get; }

    private string DataDirectory => Path.Combine(Directory, "data");

    // Enough connections for the benchmark's 50 concurrent runs (each holds a few) plus everyone else.
    private string ServerOptions => $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {Directory} -c listen_addresses=127.0.0.1 -c max_connections=300";

    /// <summary>A new, empty database (so test classes' or tools' runs and schemas never meet).</summary>
    public string NewDatabase()
    {
        var name = $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return name;
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=false";

    public string Url(string database, string? lease = null) =>
        $"postgres://{User}@127.0.0.1:{Port}/{database}{(lease is null ? "" : "?lease=" + lease)}";

    /// <summary>Stops the server and starts it again (the data stays): what a database restart does to runners.</summary>
    public void Restart()
    {
        // With its log file: without -l the new server would write to (and hold open) the pipe this waits on.
        Check(Tool(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(Directory, "server.log"), "-m", "fast", "-w", "-t", "90", "restart",
            "-o", ServerOptions], _asPostgres), "pg_ctl restart");
    }

    private string Log()
    {
        try { return File.ReadAllText(Path.Combine(Directory, "server.log")).Trim(); }
        catch (IOException) { return ""; }
    }

    private static string? BinDirectory()
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
        var config = Tool("pg_config", ["--bindir"], asPostgres: false);
        if (config.Exit == 0 && config.Output.Trim() is { Length: > 0 } dir && Has(dir)) return dir;
        // Debian's pg_config may belong to libpq-dev alone; the server's binaries are per major version.
        const string debian = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(debian)) return null;
        return System.IO.Directory.GetDirectories(debian)
            .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(Has);
    }

    private static (int Exit, string Output) Tool(string program, IReadOnlyList<string> args, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server's own directory: runuser's user cannot enter the caller's working directory.
            WorkingDirectory = "/",
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program }) start.ArgumentList.Add(a);
        }
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{program} did not finish within {Limit.TotalSeconds:0} s");
            }
            return (process.ExitCode, output.Result + error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{program}: {e.Message}");
        }
    }

    private static void Check((int Exit, string Output) result, string what)
    {
        if (result.Exit != 0) throw new InvalidOperationException($"{what} failed (exit {result.Exit}): {result.Output.Trim()}");
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void Delete()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        Tool(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], _asPostgres);
        Delete();
    }
}
