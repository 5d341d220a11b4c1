using System.Globalization;
using Playbook.RunStores;
using Playbook.Text;

namespace Playbook.Cli.Commands;

/// <summary><c>playbook runs</c>' filters: by playbook, status, lease holder and start time; all must match.</summary>
internal sealed class RunsFilter
{
    private static readonly string[] Statuses = ["running", "orphaned", "unfinished", "interrupted", "success", "failure", "aborted", "unreadable"];

    private string? _playbook;
    private string? _status;
    private string? _owner;
    private DateTimeOffset? _since;

    /// <summary>The filter, or null and why (a usage error).</summary>
    public static RunsFilter? Create(string? playbook, string? status, string? owner, string? since, out string? problem)
    {
        problem = null;
        if (status is not null && Array.IndexOf(Statuses, status) < 0)
        {
            problem = $"--status {status}: use one of {string.Join(", ", Statuses)}";
            return null;
        }
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (DurationText.TryParse(since, out var ago)) from = DateTimeOffset.UtcNow - ago;
            else if (DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) from = at;
            else
            {
                problem = $"--since {since}: give a duration (2h, 1d) or a UTC time (2026-12-01T08:00Z)";
                return null;
            }
        }
        return new RunsFilter { _playbook = playbook, _status = status, _owner = owner, _since = from };
    }

    public bool Matches(StoredRun stored, string status, bool orphaned)
    {
        var run = stored.Run;
        if (_playbook is not null && run.PlaybookName != _playbook) return false;
        if (_status is not null && !(_status == "orphaned" ? orphaned : status == _status)) return false;
        if (_owner is not null && !(stored.Lease.Holder is { } h && (h.Host == _owner || h.ToString() == _owner))) return false;
        if (_since is { } since && (run.Problem is not null || run.StartedAt < since)) return false;
        return true;
    }
}
