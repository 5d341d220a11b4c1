using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Playbook.Tests.Redis;

/// <summary>The few lines of RESP2 a test needs to set Redis up and look at it afterwards: one command at a
/// time, replies as string, long, null or a list of replies. An error reply throws with Redis's message.</summary>
public sealed class RespClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _reader;

    public RespClient(int port)
    {
        _client = new TcpClient("127.0.0.1", port) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        _stream = _client.GetStream();
        _reader = new BufferedStream(_stream);
    }

    public object? Call(params object[] args)
    {
        var request = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
        {
            var text = Convert.ToString(arg, CultureInfo.InvariantCulture)!;
            request.Append('$').Append(Encoding.UTF8.GetByteCount(text)).Append("\r\n").Append(text).Append("\r\n");
        }
        _stream.Write(Encoding.UTF8.GetBytes(request.ToString()));
        return Read();
    }

    public List<object?> List(params object[] args) => (List<object?>?)Call(args) ?? new List<object?>();

    private object? Read()
    {
        var line = ReadLine();
        var rest = line[1..];
        switch (line[0])
        {
            case '+': return rest;
            case '-': throw new InvalidOperationException("redis: " + rest);
            case ':': return long.Parse(rest, CultureInfo.InvariantCulture);
            case '$':
            {
                var length = int.Parse(rest, CultureInfo.InvariantCulture);
                if (length < 0) return null;
                var bytes = new byte[length + 2];
                _reader.ReadExactly(bytes);
                return Encoding.UTF8.GetString(bytes, 0, length);
            }
            case '*':
            {
                var count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0) return null;
                var items = new List<object?>(count);
                for (var i = 0; i < count; i++) items.Add(Read());
                return items;
            }
            default: throw new InvalidOperationException("redis: unexpected reply " + line);
        }
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = _reader.ReadByte();
            if (b < 0) throw new IOException("redis closed the connection");
            if (b == '\n' && bytes.Count > 0 && bytes[^1] == '\r') return Encoding.UTF8.GetString(bytes.ToArray(), 0, bytes.Count - 1);
            bytes.Add((byte)b);
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _client.Dispose();
    }
}
