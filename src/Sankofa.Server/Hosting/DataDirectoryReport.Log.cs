namespace Sankofa.Server.Hosting;

internal sealed partial class DataDirectoryReport
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The data directory was readable by others: took group and other permissions off {Count} paths (first ones: {Paths})")]
        public static partial void Tightened(ILogger logger, int count, string paths);
    }
}
