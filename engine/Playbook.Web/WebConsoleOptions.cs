using Playbook.LiveRuns;
using Playbook.Reporting;
using Playbook.RunStores;
using Playbook.Web.Auth;

namespace Playbook.Web;

/// <summary>What the console serves and who may use it.</summary>
public sealed class WebConsoleOptions
{
    /// <summary>The journal directory (<c>--journal</c>): where runs are read unless <see cref="Store"/> is set, read
    /// with the readers <c>runs</c> and <c>report</c> use.</summary>
    public required string JournalDirectory { get; init; }

    /// <summary>A shared run store (<c>--store</c>) to read runs from instead of <see cref="JournalDirectory"/>; its
    /// inbox is then where answers go (see <see cref="Answers"/>). Null: the journal directory.</summary>
    public IRunStore? Store { get; init; }

    public required IUserDirectory Users { get; init; }

    /// <summary>The playbook library (<c>--playbooks</c>); null lists only the playbooks runs started from.</summary>
    public string? PlaybooksDirectory { get; init; }

    /// <summary>Where an approver's answer is posted for the waiting runner; null when the store has none (the
    /// page then says to answer from the terminal).</summary>
    public IAnswerInbox? Answers { get; init; }

    /// <summary>The plan beside a finished run's report, as <c>playbook report</c> computes it (with its Monte Carlo
    /// figures); null uses the library's plan without a simulation.</summary>
    public Func<JournaledRun, ReportPlan>? ReportPlan { get; init; }

    /// <summary>The command line that runs <c>playbook</c> itself (the program, and the CLI's assembly when it runs
    /// under the dotnet host), for runs started from the library's form; null: the console starts no runs.</summary>
    public IReadOnlyList<string>? Runner { get; init; }

    /// <summary>Sign-in attempts allowed per client address per minute.</summary>
    public int SignInPermitsPerMinute { get; init; } = 5;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
