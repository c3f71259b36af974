using System.Linq.Expressions;
using Sankofa.Core.Provisioning;

namespace Sankofa.Data.Provisioning;

/// <summary>
/// The orders of resource lists in SQL: by a column, ties by sequence, and the keyset that continues after a cursor
/// (<c>(key, seq)</c> strictly past the cursor's pair), so every page is an index range, however deep.
/// </summary>
internal static class ResourceOrder
{
    private static readonly System.Reflection.MethodInfo Compare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    /// <summary>The rows in the order, ties broken by sequence in the same direction.</summary>
    public static IQueryable<ResourceRow> Ordered(IQueryable<ResourceRow> rows, ResourceSort sort, bool descending)
    {
        if (KeyOf(sort) is not { } key)
        {
            return descending ? rows.OrderByDescending(r => r.Seq) : rows.OrderBy(r => r.Seq);
        }

        return descending ? rows.OrderByDescending(key).ThenByDescending(r => r.Seq) : rows.OrderBy(key).ThenBy(r => r.Seq);
    }

    /// <summary>The rows after the cursor in its order.</summary>
    public static IQueryable<ResourceRow> After(IQueryable<ResourceRow> rows, ResourceCursor cursor)
    {
        var sequence = cursor.Sequence;
        if (KeyOf(cursor.Sort) is not { } key)
        {
            return cursor.Descending ? rows.Where(r => r.Seq < sequence) : rows.Where(r => r.Seq > sequence);
        }

        // key > k OR (key = k AND seq > s), mirrored for descending. The values come from a closure, so EF sends them
        // as parameters; string.Compare(a, b) > 0 is how EF writes a > b for strings, in the database's own collation,
        // which is also the one ORDER BY uses, so the keyset and the order always agree.
        var value = cursor.Key ?? string.Empty;
        Expression<Func<string>> keyValue = () => value;
        Expression<Func<long>> seqValue = () => sequence;
        var row = key.Parameters[0];
        var seq = Expression.Property(row, nameof(ResourceRow.Seq));
        var compared = Expression.Call(Compare, key.Body, keyValue.Body);
        var zero = Expression.Constant(0);
        var past = cursor.Descending
            ? Expression.OrElse(Expression.LessThan(compared, zero), Expression.AndAlso(Expression.Equal(key.Body, keyValue.Body), Expression.LessThan(seq, seqValue.Body)))
            : Expression.OrElse(Expression.GreaterThan(compared, zero), Expression.AndAlso(Expression.Equal(key.Body, keyValue.Body), Expression.GreaterThan(seq, seqValue.Body)));
        return rows.Where(Expression.Lambda<Func<ResourceRow, bool>>(past, row));
    }

    /// <summary>A row's sort key, for the next page's cursor (null for the order by creation, whose key is the sequence).</summary>
    public static string? Key(ResourceSort sort, ResourceRow row) => sort switch
    {
        ResourceSort.Name => row.Name,
        ResourceSort.Status => row.Status,
        ResourceSort.Site => row.SiteId,
        _ => null,
    };

    /// <summary>What a list of kept items reads of a row: the sequence, the order's key, the item and the versions.</summary>
    public static Expression<Func<ResourceRow, ListJsonRow>> ListJsonRow(ResourceSort sort) => sort switch
    {
        ResourceSort.Name => r => new ListJsonRow { Seq = r.Seq, Key = r.Name, Version = r.Version, ListJson = r.ListJson, ListJsonVersion = r.ListJsonVersion },
        ResourceSort.Status => r => new ListJsonRow { Seq = r.Seq, Key = r.Status, Version = r.Version, ListJson = r.ListJson, ListJsonVersion = r.ListJsonVersion },
        ResourceSort.Site => r => new ListJsonRow { Seq = r.Seq, Key = r.SiteId, Version = r.Version, ListJson = r.ListJson, ListJsonVersion = r.ListJsonVersion },
        _ => r => new ListJsonRow { Seq = r.Seq, Version = r.Version, ListJson = r.ListJson, ListJsonVersion = r.ListJsonVersion },
    };

    /// <summary>Whether the order has a key of its own beside the sequence (and <see cref="ListJsonRow"/> reads it).</summary>
    public static bool HasKey(ResourceSort sort) => KeyOf(sort) is not null;

    private static Expression<Func<ResourceRow, string>>? KeyOf(ResourceSort sort) => sort switch
    {
        ResourceSort.Name => r => r.Name,
        ResourceSort.Status => r => r.Status,
        ResourceSort.Site => r => r.SiteId,
        _ => null,
    };
}

/// <summary>A row as a list of kept items reads it (<see cref="ResourceOrder.ListJsonRow"/>).</summary>
internal sealed class ListJsonRow
{
    public long Seq { get; init; }

    /// <summary>The order's key (null for the order by creation, whose key is the sequence).</summary>
    public string? Key { get; init; }

    public int Version { get; init; }

    public byte[]? ListJson { get; init; }

    public int? ListJsonVersion { get; init; }
}

/// <summary>A row as a read of one resource's kept list item reads it (<c>ProvisioningStore.GetResourceJsonAsync</c>).</summary>
internal sealed class ResourceJsonRow
{
    public required string Id { get; init; }

    public required string TenantId { get; init; }

    public long UpdatedAtMs { get; init; }

    public int Version { get; init; }

    public byte[]? ListJson { get; init; }

    public int? ListJsonVersion { get; init; }
}
