namespace Sankofa.Proxmox.Emulator.State;

/// <summary>What all clusters of one emulator share: options, clock and randomness.</summary>
internal sealed class EmulatorContext(ProxmoxEmulatorOptions options)
{
    private readonly Lock _randomGate = new();

    public ProxmoxEmulatorOptions Options { get; } = options;

    public TimeProvider Time => Options.TimeProvider;

    // Random is not thread-safe and clusters are added concurrently: use it only under the gate.
    private Random Random { get; } = options.RandomSeed is { } seed ? new Random(seed) : new Random();

    public string NewUuid()
    {
        lock (_randomGate)
        {
            var bytes = new byte[16];
            Random.NextBytes(bytes);
            return new Guid(bytes).ToString();
        }
    }

    public int NextInt(int minValue, int maxValue)
    {
        lock (_randomGate)
        {
            return Random.Next(minValue, maxValue);
        }
    }

    public byte[] RandomBytes(int count)
    {
        lock (_randomGate)
        {
            var bytes = new byte[count];
            Random.NextBytes(bytes);
            return bytes;
        }
    }
}
