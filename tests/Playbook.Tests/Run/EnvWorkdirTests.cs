using Xunit;
using static Playbook.Tests.RealRuns.RunWorkspace;

namespace Playbook.Tests.RealRuns;

/// <summary><c>env { }</c> and <c>workdir</c> on shell and exec steps, run for real.</summary>
public class EnvWorkdirTests
{
    private const string Secret = "s3cr3t-Env-Token-9d1f";

    [Fact]
    public void Env_values_reach_the_process_as_data_secrets_stay_redacted_and_a_missing_workdir_fails_before_starting()
    {
        using var work = new RunWorkspace("env-workdir");
        work.Environment["PLAYBOOK_SECRET_TOKEN"] = Secret;

        var result = work.Run("env-workdir");

        Assert.True(result.Exit == 1, result.ToString());
        // The value "$(touch pwned) x" is text in the environment, never shell code.
        Assert.Equal($"$(touch pwned) x|C|{Secret}\n", work.Read("env.txt"));
        Assert.False(work.Exists("pwned"));
        // exec ran in workdir "sub", relative to the run's folder.
        Assert.Equal(Path.Combine(work.Directory, "sub"), work.Read(Path.Combine("sub", "here.txt")).Trim());
        Assert.False(work.Exists("ran-in-missing.txt"));

        var journal = File.ReadAllText(work.JournalPath(RunIdOf(result)));
        Assert.DoesNotContain(Secret, journal);
        Assert.DoesNotContain(Secret, result.Out + result.Err);
        var records = work.Records(result);
        var missing = records.Single(r => Type(r) == "attempt-ended" && Str(r, "state") == "missing");
        Assert.Equal("fail", Str(missing, "outcome"));
        Assert.Contains("workdir 'no-such-$(touch pwned) x' is not an existing directory: nothing was started", Str(missing, "note"));
        Assert.DoesNotContain(records, r => Type(r) == "process-started" && Str(r, "state") == "missing");
        // The journal names the variables, never their values.
        var started = records.Single(r => Type(r) == "process-started" && Str(r, "state") == "shell-env");
        Assert.Contains("env { LABEL, LC_ALL, REDISCLI_AUTH }", Str(started, "command"));
        var execStarted = records.Single(r => Type(r) == "process-started" && Str(r, "state") == "exec-workdir");
        Assert.EndsWith("] env { REDISCLI_AUTH } workdir \"sub\"", Str(execStarted, "command"));
    }
}
