using Playbook.Compiling;
using Playbook.LiveRuns;
using Xunit;
using static Playbook.Tests.EngineCore.EngineTestKit;

namespace Playbook.Tests.LiveRuns;

/// <summary>Secrets from files and commands: read once, exactly the value, and a clear error otherwise.</summary>
public sealed class RunSecretsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "playbook-secrets-" + Guid.NewGuid().ToString("N"));

    public RunSecretsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CompiledPlaybook Playbook(string secrets) => Compile(secrets + "\nstep s { notify \"x\"\n -> done }\nend done success", folder: _folder);

    private static string? NoEnvironment(string name) => null;

    private async Task<(RunSecrets Secrets, List<string> Errors, CompiledPlaybook Playbook)> Read(string secrets, Func<string, string?>? environment = null,
        TimeSpan? limit = null)
    {
        var playbook = Playbook(secrets);
        var (read, errors) = await RunSecrets.ReadAsync(playbook, (_, _) => null, environment ?? NoEnvironment, CancellationToken.None, limit);
        return (read, errors, playbook);
    }

    [Theory]
    [InlineData("tok-1\n")]
    [InlineData("tok-1\r\n")]
    [InlineData("tok-1")]
    public async Task A_file_relative_to_the_playbook_gives_its_text_without_one_trailing_line_break(string content)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "keys"));
        File.WriteAllText(Path.Combine(_folder, "keys", "api"), content);
        var (secrets, errors, playbook) = await Read("secret api from file \"keys/api\"");
        Assert.Empty(errors);
        Assert.Equal("tok-1", secrets.Get(playbook, "api"));
    }

    [Fact]
    public async Task A_command_gives_its_stdout_without_the_trailing_newline_and_runs_in_the_playbooks_folder()
    {
        File.WriteAllText(Path.Combine(_folder, "here"), "");
        var (secrets, errors, playbook) = await Read("secret pw from command \"test -e here && printf 'p a $s\\\\n\\\\n'; echo chatter >&2\"");
        Assert.Empty(errors);
        Assert.Equal("p a $s\n", secrets.Get(playbook, "pw"));
        Assert.Equal([KeyValuePair.Create("PLAYBOOK_SECRET_PW", "p a $s\n")], secrets.Named);
    }

    [Fact]
    public async Task The_environment_variable_overrides_the_source_which_is_then_not_read()
    {
        var (secrets, errors, playbook) = await Read("secret api from file \"missing\"\nsecret pw from command \"touch ran; echo x\"",
            name => "from-env-" + name);
        Assert.Empty(errors);
        Assert.Equal(("from-env-api", "from-env-pw"), (secrets.Get(playbook, "api"), secrets.Get(playbook, "pw")));
        Assert.False(File.Exists(Path.Combine(_folder, "ran")));
    }

    [Fact]
    public async Task A_missing_empty_or_huge_file_is_an_error_that_names_the_secret_and_the_path()
    {
        File.WriteAllText(Path.Combine(_folder, "empty"), "\n");
        var (_, errors, _) = await Read("secret a from file \"nope\"\nsecret b from file \"empty\"\nsecret c from file \"/dev/zero\"");
        Assert.Equal(3, errors.Count);
        Assert.StartsWith($"secret 'a': cannot read the file '{Path.Combine(_folder, "nope")}'", errors[0]);
        Assert.Equal($"secret 'b': the file '{Path.Combine(_folder, "empty")}' is empty", errors[1]);
        Assert.Equal("secret 'c': cannot read the file '/dev/zero': it holds more than 64 KiB: that is not a secret", errors[2]);
    }

    [Fact]
    public async Task A_failing_command_is_an_error_with_its_redacted_stderr()
    {
        File.WriteAllText(Path.Combine(_folder, "first"), "first-secret-value");
        var (_, errors, _) = await Read("secret a from file \"first\"\nsecret b from command \"echo \\\"denied: $(cat first)\\\" >&2; exit 5\"");
        var error = Assert.Single(errors);
        Assert.Equal("secret 'b': the command `echo \"denied: $(cat first)\" >&2; exit 5` failed with exit code 5: denied: ***", error);
    }

    [Fact]
    public async Task A_command_that_prints_nothing_or_runs_too_long_is_an_error()
    {
        var (_, errors, _) = await Read("secret a from command \"true\"\nsecret b from command \"sleep 20\"", limit: TimeSpan.FromMilliseconds(300));
        Assert.Equal(["secret 'a': the command `true` printed nothing", "secret 'b': the command `sleep 20` did not finish within 300ms and was stopped"], errors);
    }
}
