namespace Playbook.Semantics;

/// <summary>Who can reach whom, computed once per playbook for the flow checks. A parallel leads
/// into its branches' first states, and a branch's states lead on to wherever the parallel goes.
/// Every end leads into the cleanup's first state.</summary>
public sealed class FlowGraph
{
    private readonly PlaybookModel _model;
    private readonly Dictionary<StateSymbol, List<StateSymbol>> _edges = new();

    public FlowGraph(PlaybookModel model)
    {
        _model = model;
        foreach (var state in model.RunnableStates)
        {
            // Distinct, in order; a state has a handful of edges, so a list scan beats a set per state.
            var edges = new List<StateSymbol>();
            foreach (var e in EdgesOf(state))
            {
                if (!edges.Contains(e)) edges.Add(e);
            }
            _edges[state] = edges;
        }
        Reachable = Walk(model.Start is null ? Array.Empty<StateSymbol>() : new[] { model.Start });
        var ends = model.RunnableStates.Where(s => s.IsEnd && !s.InChildFlow).ToList();
        CanReachEnd = ReverseWalk(ends);
    }

    /// <summary>States reachable from the start (including states inside reachable branches).</summary>
    public IReadOnlySet<StateSymbol> Reachable { get; }

    /// <summary>States from which some top-level end can be reached.</summary>
    public IReadOnlySet<StateSymbol> CanReachEnd { get; }

    public IReadOnlyList<StateSymbol> Next(StateSymbol state) => _edges.TryGetValue(state, out var e) ? e : Array.Empty<StateSymbol>();

    private Dictionary<StateSymbol, List<StateSymbol>>? _previous;

    /// <summary>The states that lead directly to <paramref name="state"/>.</summary>
    public IReadOnlyList<StateSymbol> Previous(StateSymbol state)
    {
        if (_previous is null)
        {
            _previous = new Dictionary<StateSymbol, List<StateSymbol>>();
            foreach (var (from, tos) in _edges)
            {
                foreach (var to in tos)
                {
                    if (!_previous.TryGetValue(to, out var list)) _previous[to] = list = new List<StateSymbol>();
                    list.Add(from);
                }
            }
        }
        return _previous.TryGetValue(state, out var p) ? p : Array.Empty<StateSymbol>();
    }

    /// <summary>Whether some state in <paramref name="sources"/> comes before <paramref name="target"/> on a
    /// path (walks backwards from the target and stops at the first source found).</summary>
    public bool AnyPrecedes(IReadOnlySet<StateSymbol> sources, StateSymbol target)
    {
        // Called for every name every expression reads: one stamp array and one stack serve all calls.
        if (_stamps.Length < _model.States.Count) _stamps = new int[_model.States.Count];
        var stamp = ++_stamp;
        _stack.Clear();
        foreach (var p in Previous(target)) _stack.Push(p);
        while (_stack.Count > 0)
        {
            var s = _stack.Pop();
            if (sources.Contains(s)) return true;
            if (_stamps[s.Order] == stamp) continue;
            _stamps[s.Order] = stamp;
            foreach (var p in Previous(s)) _stack.Push(p);
        }
        return false;
    }

    private int[] _stamps = Array.Empty<int>();
    private int _stamp;
    private readonly Stack<StateSymbol> _stack = new();

    private IEnumerable<StateSymbol> EdgesOf(StateSymbol state)
    {
        foreach (var s in _model.Successors(state))
        {
            // A transition may not leave its branch (reported elsewhere); following it would blur reachability.
            if (state.Branch is not null && s.Branch != state.Branch) continue;
            // Nor its cleanup, and no main-flow transition may enter the cleanup (PB1602).
            if (state.Cleanup != s.Cleanup) continue;
            yield return s;
        }
        // The cleanup runs after every end (and after an abort, which has no state to draw an edge from).
        if (state.IsEnd && !state.InChildFlow && _model.Cleanup?.Entry is { } cleanup) yield return cleanup;
        if (state.Kind is StateKind.Parallel or StateKind.Foreach)
        {
            foreach (var b in state.Branches)
            {
                if (b.Entry is { } e) yield return e;
            }
        }
        if (state.Branch is not null)
        {
            // Finishing a branch hands control back to the parallel's own transitions.
            foreach (var s in _model.Successors(state.Branch.Parallel)) yield return s;
        }
    }

    /// <summary>Every state reachable from <paramref name="from"/> (the sources included).</summary>
    public HashSet<StateSymbol> Walk(IEnumerable<StateSymbol> from)
    {
        var seen = new HashSet<StateSymbol>();
        var stack = new Stack<StateSymbol>(from);
        while (stack.Count > 0)
        {
            var s = stack.Pop();
            if (!seen.Add(s)) continue;
            foreach (var n in Next(s)) stack.Push(n);
        }
        return seen;
    }

    private HashSet<StateSymbol> ReverseWalk(IEnumerable<StateSymbol> targets)
    {
        // Previous() builds the same predecessor lists once, for this walk and for later callers.
        var seen = new HashSet<StateSymbol>();
        var stack = new Stack<StateSymbol>(targets);
        while (stack.Count > 0)
        {
            var s = stack.Pop();
            if (!seen.Add(s)) continue;
            foreach (var p in Previous(s)) stack.Push(p);
        }
        return seen;
    }

    /// <summary>Strongly connected groups of states that form loops (Tarjan, iterative), in file order.</summary>
    public IReadOnlyList<IReadOnlyList<StateSymbol>> Loops()
    {
        // Per-state numbers live in arrays indexed by the state's Order (dense, below States.Count),
        // not in dictionaries and sets: this runs over every state of the playbook.
        var count = _model.States.Count;
        var index = new int[count];
        var low = new int[count];
        var onStack = new bool[count];
        Array.Fill(index, -1);
        var stack = new Stack<StateSymbol>();
        var work = new Collections.WalkStack<StateSymbol>();
        var result = new List<IReadOnlyList<StateSymbol>>();
        var counter = 0;
        foreach (var root in _edges.Keys.OrderBy(s => s.Order))
        {
            if (index[root.Order] >= 0) continue;
            work.Clear();
            work.Push((root, 0));
            index[root.Order] = low[root.Order] = counter++;
            stack.Push(root);
            onStack[root.Order] = true;
            while (work.Count > 0)
            {
                var (node, child) = work.Pop();
                var next = Next(node);
                if (child < next.Count)
                {
                    work.Push((node, child + 1));
                    var w = next[child];
                    if (index[w.Order] < 0)
                    {
                        index[w.Order] = low[w.Order] = counter++;
                        stack.Push(w);
                        onStack[w.Order] = true;
                        work.Push((w, 0));
                    }
                    else if (onStack[w.Order])
                    {
                        low[node.Order] = Math.Min(low[node.Order], index[w.Order]);
                    }
                    continue;
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent.Order] = Math.Min(low[parent.Order], low[node.Order]);
                }
                if (low[node.Order] == index[node.Order] && stack.Peek() == node)
                {
                    // A component of one state (nearly all of them): a loop only if it leads to itself.
                    stack.Pop();
                    onStack[node.Order] = false;
                    if (next.Contains(node)) result.Add(new List<StateSymbol> { node });
                }
                else if (low[node.Order] == index[node.Order])
                {
                    var component = new List<StateSymbol>();
                    StateSymbol popped;
                    do
                    {
                        popped = stack.Pop();
                        onStack[popped.Order] = false;
                        component.Add(popped);
                    } while (popped != node);
                    if (component.Count > 1 || Next(node).Contains(node))
                        result.Add(component.OrderBy(s => s.Order).ToList());
                }
            }
        }
        return result.OrderBy(c => c[0].Order).ToList();
    }

    /// <summary>One concrete cycle through the first state of a loop, for messages: "a → b → a".</summary>
    public IReadOnlyList<StateSymbol> CycleThrough(IReadOnlyList<StateSymbol> loop)
    {
        var members = loop.ToHashSet();
        var start = loop[0];
        var parent = new Dictionary<StateSymbol, StateSymbol>();
        var queue = new Queue<StateSymbol>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            foreach (var n in Next(s).Where(members.Contains))
            {
                if (n == start)
                {
                    var path = new List<StateSymbol> { start };
                    for (var c = s; c != start; c = parent[c]) path.Insert(1, c);
                    path.Add(start);
                    return path;
                }
                if (parent.ContainsKey(n)) continue;
                parent[n] = s;
                queue.Enqueue(n);
            }
        }
        return new[] { start, start };
    }
}
