using Playbook.Semantics;
using Playbook.Syntax;
using Playbook.Text;

namespace Playbook.Timing;

/// <summary>One state on a worst-case path and the time it contributes.</summary>
public sealed record PathStep(string State, TimeSpan Time);

/// <summary>The longest way from the start to one end state.</summary>
public sealed record WorstCasePath(StateSymbol End, TimeBound Total, IReadOnlyList<PathStep> Path)
{
    public string PathText => string.Join(" → ", Path.Select(p => p.State).Append(End.Name));
}

/// <summary>Worst-case time from the start to each end, along any path: every attempt's timeout (or the
/// simulate upper bound where a step has none), every backoff delay at its maximum, waits, manual
/// timeouts and parallel branches, with time inside a phase capped by its budget. A loop on the way, or a
/// state with no bound, makes the result unbounded, with the reason.</summary>
public static partial class WorstCaseAnalysis
{
    public static IReadOnlyList<WorstCasePath> Analyze(PlaybookModel model, Func<string, TimeBound>? calleeWorstCase = null)
    {
        var graph = new Builder(model, calleeWorstCase ?? (_ => TimeBound.Unbounded("the called playbook is unknown"))).Build();
        if (graph.Start is null) return Array.Empty<WorstCasePath>();
        var results = new List<WorstCasePath>();
        var longest = Longest(graph.Start, n => n.End is not null);
        foreach (var end in model.RunnableStates.Where(s => s.IsEnd && !s.InChildFlow).OrderBy(s => s.Order))
        {
            var node = graph.Nodes.FirstOrDefault(n => n.End == end);
            if (node is null || !longest.TryGetValue(node, out var best)) continue;
            results.Add(new WorstCasePath(end, best.Bound, best.Path));
        }
        return results;
    }

    /// <summary>The worst time the cleanup takes, along its longest path, or null when the playbook has none.
    /// It is reported apart from the ends' worst cases and not counted against the RTO: the RTO is about
    /// recovering, and the cleanup runs after the run has reached its end.</summary>
    public static (TimeBound Total, IReadOnlyList<PathStep> Path)? CleanupWorstCase(PlaybookModel model, Func<string, TimeBound>? calleeWorstCase = null)
    {
        if (model.Cleanup is not { Entry: not null } cleanup) return null;
        var builder = new Builder(model, calleeWorstCase ?? (_ => TimeBound.Unbounded("the called playbook is unknown")));
        var best = builder.ChildFlowWorst(cleanup.Entry, s => s.Cleanup == cleanup);
        return (best.Bound, best.Path);
    }

    /// <summary>The worst time spent in one state before it leaves by any outcome.</summary>
    public static TimeBound StateCost(StateSymbol state, Func<string, TimeBound> calleeWorstCase, Func<BranchSymbol, TimeBound>? branchWorst = null)
    {
        var syntax = state.Syntax;
        var timeout = syntax.Find<TimeoutSyntax>()?.Duration.Value;
        switch (state.Kind)
        {
            case StateKind.Step:
            {
                var step = (StepSyntax)syntax;
                var retry = RetryPolicy.From(syntax.Find<RetrySyntax>());
                TimeBound attempt;
                if (timeout is { } t) attempt = TimeBound.Of(t);
                else if (syntax.Find<SimulateSyntax>()?.MaxDuration is { } sim) attempt = TimeBound.Of(sim.Value);
                else attempt = step.Action switch
                {
                    NotifyActionSyntax or ScriptActionSyntax or null => TimeBound.Zero,
                    CallActionSyntax call => calleeWorstCase(call.Playbook.Text),
                    _ => TimeBound.Unbounded($"step '{state.Name}' has no timeout"),
                };
                if (attempt.IsUnbounded) return attempt;
                return TimeBound.Of(attempt.Value * retry.MaxAttempts + retry.TotalDelay());
            }
            case StateKind.Wait:
            {
                if (syntax.Find<ForSyntax>() is { } f) return TimeBound.Of(f.Duration.Value);
                return timeout is { } t ? TimeBound.Of(t) : TimeBound.Unbounded($"wait '{state.Name}' polls with no timeout");
            }
            case StateKind.Manual:
                return timeout is { } mt ? TimeBound.Of(mt) : TimeBound.Unbounded($"manual '{state.Name}' waits for an answer with no timeout");
            case StateKind.Parallel:
            {
                var worst = TimeBound.Zero;
                foreach (var b in state.Branches)
                {
                    worst = TimeBound.Max(worst, branchWorst?.Invoke(b) ?? TimeBound.Zero);
                }
                return timeout is { } pt ? worst.Min(pt) : worst;
            }
            case StateKind.Foreach:
                return ForeachCost(state, state.Branches.Count > 0 ? branchWorst?.Invoke(state.Branches[0]) ?? TimeBound.Zero : TimeBound.Zero);
            default:
                return TimeBound.Zero;
        }
    }

    /// <summary>A foreach runs its items in rounds of <c>parallel</c>: ceil(max / parallel) rounds, each as
    /// long as the body's worst case (its retries included). Without <c>max</c> the list can be any length.</summary>
    private static TimeBound ForeachCost(StateSymbol state, TimeBound body)
    {
        var loop = (ForeachSyntax)state.Syntax;
        if (loop.Max?.Value is not { IsInteger: true, Value: >= 1 } max)
            return TimeBound.Unbounded($"foreach '{state.Name}' has no max: its list can be any length");
        var parallel = loop.Parallelism?.Value is { IsInteger: true, Value: >= 1 } p ? p.Value : 1;
        var rounds = (long)Math.Ceiling(max.Value / Math.Min(parallel, max.Value));
        if (body.IsUnbounded) return body;
        if (body.Value.Ticks > 0 && rounds > TimeSpan.MaxValue.Ticks / body.Value.Ticks)
            return TimeBound.Unbounded($"foreach '{state.Name}' would take longer than any clock can count");
        return TimeBound.Of(TimeSpan.FromTicks(body.Value.Ticks * rounds));
    }

    internal sealed class Node
    {
        public Node(string label) => Label = label;
        public string Label { get; }
        public StateSymbol? End { get; init; }
        public List<Edge> Edges { get; } = new();

        // Scratch of the last search that reached this node, valid while its stamp is that search's:
        // per-node fields instead of a dictionary or set per search (the graph of a large playbook is
        // searched once per phase entry, branch and end, and those tables were megabytes of garbage).
        internal int ReachStamp;
        internal List<Node>? Predecessors;
        internal int UsefulStamp;
        internal int StateStamp;
        internal int State; // 1 = on the stack, 2 = done
        internal int MemoStamp;
        internal TimeBound MemoBound;
        internal Edge? MemoVia;
    }

    internal sealed record Edge(Node To, TimeBound Weight, IReadOnlyList<PathStep> Segment);

    // A class, not a struct: a Dictionary over a struct value is compiled at every start (see Collections.WalkStack).
    internal sealed record Best(TimeBound Bound, IReadOnlyList<PathStep> Path);

    // Every search takes a fresh stamp, so nodes need no clearing between searches.
    private static int s_stamp;

    private static int NewStamp() => Interlocked.Increment(ref s_stamp);

    /// <summary>Longest path from <paramref name="start"/> to every target node. Nodes on a cycle that
    /// can still reach a target make that target unbounded.</summary>
    internal static Dictionary<Node, Best> Longest(Node start, Func<Node, bool> isTarget)
    {
        var result = new Dictionary<Node, Best>();
        var reachable = new List<Node>();
        var stamp = NewStamp();
        var stack = new Stack<Node>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.ReachStamp == stamp) continue;
            n.ReachStamp = stamp;
            if (n.Predecessors is null) n.Predecessors = new List<Node>();
            else n.Predecessors.Clear();
            reachable.Add(n);
            foreach (var e in n.Edges) stack.Push(e.To);
        }
        // Predecessors, built once for every target.
        foreach (var n in reachable) foreach (var e in n.Edges) if (e.To.ReachStamp == stamp) e.To.Predecessors!.Add(n);
        foreach (var target in reachable)
        {
            if (isTarget(target)) result[target] = LongestTo(start, target, stack);
        }
        return result;
    }

    private static Best LongestTo(Node start, Node target, Stack<Node> stack)
    {
        var stamp = NewStamp();
        // Only nodes that can still reach the target matter.
        stack.Clear();
        stack.Push(target);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.UsefulStamp == stamp) continue;
            n.UsefulStamp = stamp;
            foreach (var p in n.Predecessors!) stack.Push(p);
        }

        // Iterative DFS in post-order over the useful edges; a back edge inside the useful set is a loop
        // on the way. Each node remembers only its best edge and total; paths are rebuilt once, at the
        // end, by following the best edges (copying a path per node would make this quadratic).
        var work = new Collections.WalkStack<Node>();
        work.Push((start, 0));
        start.StateStamp = stamp;
        start.State = 1;
        string? loop = null;
        while (work.Count > 0)
        {
            var (node, edge) = work.Pop();
            var edges = node.Edges;
            var useful = node.UsefulStamp == stamp;
            // The next useful edge at or after 'edge' (a node that cannot reach the target has none).
            while (useful && edge < edges.Count && edges[edge].To.UsefulStamp != stamp) edge++;
            if (useful && edge < edges.Count)
            {
                work.Push((node, edge + 1));
                var to = edges[edge].To;
                if (to.StateStamp != stamp)
                {
                    to.StateStamp = stamp;
                    to.State = 1;
                    work.Push((to, 0));
                }
                else if (to.State == 1)
                {
                    loop ??= DescribeLoop(work, to);
                }
                continue;
            }
            node.State = 2;
            if (node == target)
            {
                node.MemoStamp = stamp;
                node.MemoBound = TimeBound.Zero;
                node.MemoVia = null;
                continue;
            }
            if (!useful) continue;
            var found = false;
            var bestBound = default(TimeBound);
            Edge? bestVia = null;
            foreach (var e in edges)
            {
                if (e.To.UsefulStamp != stamp || e.To.MemoStamp != stamp) continue;
                var total = e.Weight + e.To.MemoBound;
                if (!found || Longer(total, bestBound))
                {
                    found = true;
                    bestBound = total;
                    bestVia = e;
                }
            }
            if (found)
            {
                node.MemoStamp = stamp;
                node.MemoBound = bestBound;
                node.MemoVia = bestVia;
            }
        }
        if (start.MemoStamp != stamp) return new Best(TimeBound.Unbounded("no path"), Array.Empty<PathStep>());
        var path = new List<PathStep>();
        var visited = new HashSet<Node>();
        for (var at = start; at != target && at.MemoStamp == stamp && at.MemoVia is { } via && visited.Add(at); at = via.To)
            path.AddRange(via.Segment);
        if (loop is not null) return new Best(TimeBound.Unbounded($"the loop {loop} can repeat without limit"), path);
        return new Best(start.MemoBound, path);
    }

    private static bool Longer(TimeBound a, TimeBound b) =>
        a.IsUnbounded && !b.IsUnbounded || !a.IsUnbounded && !b.IsUnbounded && a.Value > b.Value;

    private static string DescribeLoop(Collections.WalkStack<Node> work, Node to)
    {
        var chain = work.NodesFromBottom().Select(n => n.Label).ToList();
        var i = chain.LastIndexOf(to.Label);
        var cycle = i >= 0 ? chain.Skip(i).Append(to.Label) : new[] { to.Label, to.Label };
        return string.Join(" → ", cycle);
    }

    /// <summary>Builds the weighted graph: top-level states, with each phase folded into one node per
    /// state it can be entered at, whose exits carry the phase-internal worst case capped by its budget.</summary>
    private sealed class Builder
    {
        private readonly PlaybookModel _model;
        private readonly Func<string, TimeBound> _callee;
        private readonly Dictionary<StateSymbol, Node> _stateNodes = new();
        private readonly Dictionary<(StateSymbol Phase, StateSymbol Entry), Node> _phaseNodes = new();
        private readonly Dictionary<BranchSymbol, TimeBound> _branchWorst = new();

        public Builder(PlaybookModel model, Func<string, TimeBound> callee)
        {
            _model = model;
            _callee = callee;
        }

        public List<Node> Nodes { get; } = new();

        public Node? Start { get; private set; }

        public Builder Build()
        {
            if (_model.Start is { } start && start.Branch is null) Start = NodeFor(start);
            return this;
        }

        private TimeBound Cost(StateSymbol s) => StateCost(s, _callee, BranchWorst);

        /// <summary>The node a transition into <paramref name="target"/> lands on.</summary>
        private Node NodeFor(StateSymbol target)
        {
            if (target.Phase is { } phase) return PhaseNode(phase, target);
            if (_stateNodes.TryGetValue(target, out var node)) return node;
            node = new Node(target.Name) { End = target.IsEnd ? target : null };
            _stateNodes[target] = node;
            Nodes.Add(node);
            var cost = Cost(target);
            // One segment for all of the state's edges: it is read-only.
            var segment = new[] { new PathStep(target.Name, cost.IsUnbounded ? TimeSpan.Zero : cost.Value) };
            foreach (var next in Targets(target))
            {
                node.Edges.Add(new Edge(NodeFor(next), cost, segment));
            }
            return node;
        }

        /// <summary>The distinct states outside branches that <paramref name="s"/> leads to, in order.</summary>
        private static List<StateSymbol> Targets(StateSymbol s)
        {
            var targets = new List<StateSymbol>(s.Transitions.Count);
            foreach (var t in s.Transitions)
            {
                if (t.Entry is { Branch: null } e && !targets.Contains(e)) targets.Add(e);
            }
            return targets;
        }

        private Node PhaseNode(StateSymbol phase, StateSymbol entry)
        {
            if (_phaseNodes.TryGetValue((phase, entry), out var node)) return node;
            node = new Node(phase.Name);
            _phaseNodes[(phase, entry)] = node;
            Nodes.Add(node);

            var budget = ((PhaseSyntax)phase.Syntax).Within?.Value;
            // Inner graph: members of the phase; exits become sink nodes keyed by their outside target.
            var inner = new Dictionary<StateSymbol, Node>();
            var sinks = new Dictionary<StateSymbol, Node>();
            Node Inner(StateSymbol s)
            {
                if (inner.TryGetValue(s, out var n)) return n;
                n = new Node(s.Name);
                inner[s] = n;
                var cost = Cost(s);
                var segment = new[] { new PathStep(s.Name, cost.IsUnbounded ? TimeSpan.Zero : cost.Value) };
                foreach (var next in Targets(s))
                {
                    if (next.Phase == phase) n.Edges.Add(new Edge(Inner(next), cost, segment));
                    else
                    {
                        if (!sinks.TryGetValue(next, out var sink)) sinks[next] = sink = new Node("exit:" + next.Name);
                        n.Edges.Add(new Edge(sink, cost, segment));
                    }
                }
                return n;
            }
            var start = Inner(entry);
            var longest = Longest(start, n => sinks.ContainsValue(n));
            foreach (var (target, sink) in sinks)
            {
                if (!longest.TryGetValue(sink, out var best)) continue;
                var bound = budget is { } b ? best.Bound.Min(b) : best.Bound;
                node.Edges.Add(new Edge(NodeFor(target), bound, Capped(best.Path, bound)));
            }
            if (budget is { } limit)
            {
                foreach (var t in phase.Transitions.Where(t => t.Outcomes.Contains("timeout")))
                {
                    if (t.Entry is { } target && target.Branch is null)
                        node.Edges.Add(new Edge(NodeFor(target), TimeBound.Of(limit), new[] { new PathStep($"{phase.Name} (budget)", limit) }));
                }
            }
            return node;
        }

        /// <summary>When a phase budget cuts a path short, the path's times are trimmed to fit it.</summary>
        private static IReadOnlyList<PathStep> Capped(IReadOnlyList<PathStep> path, TimeBound bound)
        {
            if (bound.IsUnbounded) return path;
            var left = bound.Value;
            var result = new List<PathStep>();
            foreach (var p in path)
            {
                var t = p.Time < left ? p.Time : left;
                result.Add(p with { Time = t });
                left -= t;
            }
            return result;
        }

        private TimeBound BranchWorst(BranchSymbol branch)
        {
            if (_branchWorst.TryGetValue(branch, out var known)) return known;
            _branchWorst[branch] = TimeBound.Unbounded($"branch '{branch.Name}' contains its own parallel");
            var result = branch.Entry is { } entry ? ChildFlowWorst(entry, s => s.Branch == branch).Bound : TimeBound.Zero;
            _branchWorst[branch] = result;
            return result;
        }

        /// <summary>The longest way through a child flow (a branch or the cleanup) from its entry until an
        /// outcome with no transition ends it.</summary>
        internal Best ChildFlowWorst(StateSymbol entry, Func<StateSymbol, bool> inFlow)
        {
            var nodes = new Dictionary<StateSymbol, Node>();
            var exit = new Node("exit");
            Node Of(StateSymbol s)
            {
                if (nodes.TryGetValue(s, out var n)) return n;
                n = new Node(s.Name);
                nodes[s] = n;
                var cost = Cost(s);
                var segment = new[] { new PathStep(s.Name, cost.IsUnbounded ? TimeSpan.Zero : cost.Value) };
                var handled = PlaybookModel.OutcomesOf(s).All(o => PlaybookModel.TransitionsFor(s, o).Count > 0);
                foreach (var t in s.Transitions)
                {
                    if (t.Entry is { } e && inFlow(e)) n.Edges.Add(new Edge(Of(e), cost, segment));
                    else n.Edges.Add(new Edge(exit, cost, segment));
                }
                if (!handled || s.Kind == StateKind.Decide && s.Syntax.Find<ElseSyntax>() is null || s.Transitions.Count == 0)
                    n.Edges.Add(new Edge(exit, cost, segment));
                return n;
            }
            return Longest(Of(entry), n => n == exit).TryGetValue(exit, out var best) ? best : new Best(TimeBound.Zero, Array.Empty<PathStep>());
        }
    }
}
