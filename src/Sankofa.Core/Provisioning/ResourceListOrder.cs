namespace Sankofa.Core.Provisioning;

/// <summary>
/// Reads a resource list's order and cursor from a request (REST query parameters, GraphQL arguments): the sort field,
/// its direction and where to continue, each refused with the field's name when it makes no sense.
/// </summary>
/// <param name="Sort">The order.</param>
/// <param name="Descending">Its direction.</param>
/// <param name="After">Where to continue, when a cursor was given.</param>
internal sealed record ResourceListOrder(ResourceSort Sort, bool Descending, ResourceCursor? After)
{
    /// <summary>The order asked for; problems go to <paramref name="errors"/> under <c>sort</c>, <c>order</c>, <c>cursor</c> or <c>before</c>.</summary>
    /// <param name="sort">created (default), name, status or site.</param>
    /// <param name="order">asc or desc; default desc for created (newest first), asc otherwise.</param>
    /// <param name="cursor">The previous page's next cursor, made for the same sort and order.</param>
    /// <param name="before">The default order's numeric cursor, kept for clients that page newest first with it.</param>
    /// <param name="errors">Field name → problems.</param>
    public static ResourceListOrder Parse(string? sort, string? order, string? cursor, long? before, Dictionary<string, string[]> errors)
    {
        var parsedSort = ResourceSort.Created;
        if (sort is not null)
        {
            if (ResourceCursor.ParseSort(sort) is { } s)
            {
                parsedSort = s;
            }
            else
            {
                errors["sort"] = [$"Unknown sort field '{sort}'; one of: {string.Join(", ", ResourceCursor.SortNames)}."];
            }
        }

        var descending = order switch
        {
            null => parsedSort == ResourceSort.Created,
            "asc" => false,
            "desc" => true,
            _ => Invalid(errors, "order", $"Unknown order '{order}'; one of: asc, desc."),
        };

        ResourceCursor? after = null;
        if (cursor is not null)
        {
            if (!ResourceCursor.TryParse(cursor, out after))
            {
                errors["cursor"] = ["Not a cursor this API gave: pass the 'nextCursor' of the previous page as it is."];
            }
            else if (after!.Sort != parsedSort || after.Descending != descending)
            {
                errors["cursor"] = [$"Belongs to another order ({ResourceCursor.Name(after.Sort)} {(after.Descending ? "desc" : "asc")}): pass the sort and order of the page it came from."];
            }

            if (before is not null)
            {
                errors["before"] = ["Give 'before' or 'cursor', not both."];
            }
        }

        if (before is < 1)
        {
            errors["before"] = ["Must be a positive cursor (the 'next' value of the previous page)."];
        }
        else if (before is not null && (parsedSort != ResourceSort.Created || !descending))
        {
            errors["before"] = ["Pages the default order (created, desc) only; page other orders with 'cursor'."];
        }

        return new ResourceListOrder(parsedSort, descending, after);
    }

    private static bool Invalid(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return false;
    }
}
