using Playbook.Checking.Rules;

namespace Playbook.Checking;

/// <summary>Every check, in the order they run. A meta-test makes sure no check class is left out.</summary>
public static class CheckRegistry
{
    public static IReadOnlyList<IPlaybookCheck> All { get; } = new IPlaybookCheck[]
    {
        new PlaybookNameCheck(),
        new DuplicateNameCheck(),
        new DuplicateSettingCheck(),
        new TransitionTargetCheck(),
        new StepActionCheck(),
        new OutcomeCheck(),
        new ParallelCheck(),
        new ForeachShapeCheck(),
        new ForeachItemsHintCheck(),
        new WaitCheck(),
        new ManualCheck(),
        new ApproversCheck(),
        new LockCheck(),
        new EmptyContainerCheck(),
        new CleanupCheck(),
        new InputTypeCheck(),
        new SecretSourceCheck(),
        new ExpressionCheck(),
        new CaptureTypeCheck(),
        new ForeachListCheck(),
        new ShellHoleCheck(),
        new ExecSecretCheck(),
        new ExecProgramCheck(),
        new EnvCheck(),
        new ReadonlyCheck(),
        new CommandLineWordCheck(),
        new CallCheck(),
        new ReachabilityCheck(),
        new UnhandledOutcomeCheck(),
        new EndReachableCheck(),
        new LoopBoundCheck(),
        new RetryCheck(),
        new TimeoutCheck(),
        new SimulateHintCheck(),
        new PhaseBudgetCheck(),
        new RtoCheck(),
    };
}
