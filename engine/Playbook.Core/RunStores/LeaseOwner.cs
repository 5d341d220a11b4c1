using System.Diagnostics;
using System.Globalization;

namespace Playbook.RunStores;

/// <summary>Who holds a run's lease: the host, the process id and the process's start time. The start time tells a
/// process apart from a later one that reuses its pid, so a runner on the same host can tell that the holder is
/// gone without waiting for the lease to run out.</summary>
public sealed record LeaseOwner(string Host, int Pid, DateTimeOffset ProcessStart)
{
    /// <summary>For tests and demos only: the host name this process claims (two "hosts" on one machine).</summary>
    public const string HostVariable = "PLAYBOOK_HOST";

    /// <summary>This process, on this host.</summary>
    public static LeaseOwner Current()
    {
        using var self = Process.GetCurrentProcess();
        return new LeaseOwner(HostName(), Environment.ProcessId, new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero));
    }

    public static string HostName() =>
        Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } host ? host : Environment.MachineName;

    /// <summary>True only when the holder claimed this host and its process is certainly gone (no such pid, or a
    /// process with that pid that started at another time). Another host's holder is never judged from here.</summary>
    public bool IsGoneFromThisHost()
    {
        if (Host != HostName()) return false;
        try
        {
            using var process = Process.GetProcessById(Pid);
            var started = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
            // Start times come from clock ticks since boot: the same process reads within a tick or two of itself.
            return (started - ProcessStart).Duration() > TimeSpan.FromSeconds(1);
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    public override string ToString() => $"{Host} pid {Pid.ToString(CultureInfo.InvariantCulture)}";
}
