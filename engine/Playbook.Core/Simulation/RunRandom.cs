using System.Numerics;

namespace Playbook.Simulation;

/// <summary>The random source of one Monte Carlo run: xoshiro256** seeded from (seed, run index) through SplitMix64,
/// reseeded in place for the worker's next run.</summary>
/// <remarks>Why not <c>new Random(seed)</c> per run, as before: a seeded <see cref="Random"/> fills a 56-word table
/// when it is made (.NET's compatible generator), and that was 5–6 % of a simulated run's time, besides the three
/// objects it allocates. This generator is four words, set in four steps. It derives from <see cref="Random"/> so the engine,
/// the runner and retry jitter take it unchanged; every public draw is overridden, so the base class's own state
/// (made once per worker) is never used.</remarks>
internal sealed class RunRandom : Random
{
    private ulong _s0, _s1, _s2, _s3;

    public RunRandom(int seed, int index) => Reseed(seed, index);

    /// <summary>Starts the stream of run <paramref name="index"/> under <paramref name="seed"/>: a function of the two
    /// alone, so a run draws the same numbers whichever worker runs it, and two runs never share a stream.</summary>
    public void Reseed(int seed, int index)
    {
        var x = ((ulong)(uint)seed << 32) | (uint)index;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private ulong NextUInt64()
    {
        var s0 = _s0;
        var s1 = _s1;
        var s2 = _s2;
        var s3 = _s3;
        var result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
        return result;
    }

    // The int draws are the long ones: below 2^32 they take the same 32-bit path, so they draw the same numbers.
    public override int Next() => (int)NextInt64(int.MaxValue);

    public override int Next(int maxValue) => (int)NextInt64(maxValue);

    public override int Next(int minValue, int maxValue) => (int)NextInt64(minValue, maxValue);

    /// <summary>[0, long.MaxValue), as <see cref="Random.NextInt64()"/>.</summary>
    public override long NextInt64() => (long)Below64(long.MaxValue);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)Below64((ulong)maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return unchecked(minValue + (long)Below64((ulong)(maxValue - minValue)));
    }

    /// <summary>53 random bits in [0, 1).</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>24 random bits in [0, 1).</summary>
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    protected override double Sample() => NextDouble();

    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    public override void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= 8)
        {
            BitConverter.TryWriteBytes(buffer, NextUInt64());
            buffer = buffer[8..];
        }
        if (buffer.IsEmpty) return;
        Span<byte> last = stackalloc byte[8];
        BitConverter.TryWriteBytes(last, NextUInt64());
        last[..buffer.Length].CopyTo(buffer);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>) without bias (Lemire's multiply-and-reject); 0 when the bound is 0.</summary>
    private uint Below(uint bound)
    {
        var m = (ulong)(uint)(NextUInt64() >> 32) * bound;
        if ((uint)m < bound)
        {
            var threshold = unchecked(0u - bound) % bound;
            while ((uint)m < threshold) m = (ulong)(uint)(NextUInt64() >> 32) * bound;
        }
        return (uint)(m >> 32);
    }

    private ulong Below64(ulong bound)
    {
        if (bound <= uint.MaxValue) return Below((uint)bound);
        var high = Math.BigMul(NextUInt64(), bound, out var low);
        if (low < bound)
        {
            var threshold = unchecked(0UL - bound) % bound;
            while (low < threshold) high = Math.BigMul(NextUInt64(), bound, out low);
        }
        return high;
    }
}
