namespace Playbook.Collections;

/// <summary>The work stack of an iterative depth-first walk: each entry is a node and how far the walk of that node has
/// got (the next child or edge to visit, or a depth).</summary>
/// <remarks>Not a <c>Stack&lt;(T, int)&gt;</c>: the framework's generic code over a value type is held by no ReadyToRun
/// image, so the JIT compiles it at every start of the tool, and every <c>playbook validate</c> walks the graph. This
/// class is compiled ahead of time with the engine (tools/Playbook.Benchmarks/README.md, "Cold start").</remarks>
internal sealed class WalkStack<T> where T : class
{
    private T[] _nodes = new T[16];
    private int[] _positions = new int[16];

    public int Count { get; private set; }

    public void Push((T Node, int Position) entry)
    {
        if (Count == _nodes.Length) Grow();
        _nodes[Count] = entry.Node;
        _positions[Count] = entry.Position;
        Count++;
    }

    public (T Node, int Position) Pop()
    {
        if (Count == 0) throw new InvalidOperationException("the walk stack is empty");
        Count--;
        var node = _nodes[Count];
        _nodes[Count] = null!;
        return (node, _positions[Count]);
    }

    public (T Node, int Position) Peek() =>
        Count > 0 ? (_nodes[Count - 1], _positions[Count - 1]) : throw new InvalidOperationException("the walk stack is empty");

    public void Clear()
    {
        Array.Clear(_nodes, 0, Count);
        Count = 0;
    }

    /// <summary>The nodes from the bottom of the stack (where the walk began) to the top.</summary>
    public IEnumerable<T> NodesFromBottom()
    {
        for (var i = 0; i < Count; i++) yield return _nodes[i];
    }

    private void Grow()
    {
        // Array.Copy, not Array.Resize<int>: the same reason as the class's.
        var nodes = new T[_nodes.Length * 2];
        var positions = new int[_positions.Length * 2];
        Array.Copy(_nodes, nodes, Count);
        Array.Copy(_positions, positions, Count);
        _nodes = nodes;
        _positions = positions;
    }
}
