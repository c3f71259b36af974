using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Identity;

/// <summary>Tables of identity: accounts, their role grants and their chain outbox.</summary>
internal static class AccountModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AccountRow>(e =>
        {
            e.ToTable("accounts");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).HasColumnName("seq").ValueGeneratedOnAdd();
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(64);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16);
            // Only a service's client id; a user's name is in sealed_name, found through name_index (docs/personal-data.md).
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(64);
            e.Property(x => x.NameIndex).HasColumnName("name_index").HasMaxLength(32);
            e.Property(x => x.SealedName).HasColumnName("sealed_name");
            e.Property(x => x.SecretHash).HasColumnName("secret_hash").HasMaxLength(512);
            e.Property(x => x.MustChangePassword).HasColumnName("must_change_password");
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.Controller).HasColumnName("controller").HasMaxLength(42);
            // Key of the on-chain subject hash; erasure sets it to NULL, after which the hash links to no one.
            e.Property(x => x.SubjectSalt).HasColumnName("subject_salt");
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.Property(x => x.UpdatedAtMs).HasColumnName("updated_at_ms");
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(x => x.ChainStatus).HasColumnName("chain_status").HasMaxLength(16);
            e.Property(x => x.ChainBlock).HasColumnName("chain_block");
            // The id is unique through the alternate key the child tables refer to (AK_accounts_id).
            e.HasAlternateKey(x => x.Id).HasName("ak_accounts_id");
            // Names are unique across both kinds through their index; erased accounts (NULL) free theirs.
            e.HasIndex(x => x.NameIndex).IsUnique().HasDatabaseName("ix_accounts_name_index");
            e.HasIndex(x => x.Controller).IsUnique().HasDatabaseName("ix_accounts_controller");
        });
        modelBuilder.Entity<AccountRoleRow>(e =>
        {
            e.ToTable("account_roles");
            e.HasKey(x => new { x.AccountId, x.Role, x.Scope });
            e.Property(x => x.AccountId).HasColumnName("account_id").HasMaxLength(64);
            e.Property(x => x.Role).HasColumnName("role").HasMaxLength(32);
            e.Property(x => x.Scope).HasColumnName("scope").HasMaxLength(64);
            e.HasIndex(x => new { x.Scope, x.AccountId }).HasDatabaseName("ix_account_roles_scope");
            e.HasIndex(x => x.Role).HasDatabaseName("ix_account_roles_role");
            e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).HasPrincipalKey(a => a.Id).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<AccountChainStepRow>(e =>
        {
            e.ToTable("account_chain_steps");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.AccountId).HasColumnName("account_id").HasMaxLength(64);
            e.Property(x => x.Action).HasColumnName("action").HasMaxLength(16);
            e.Property(x => x.Role).HasColumnName("role").HasMaxLength(32);
            e.Property(x => x.Scope).HasColumnName("scope").HasMaxLength(64);
            e.Property(x => x.State).HasColumnName("state").HasMaxLength(16);
            e.Property(x => x.Attempts).HasColumnName("attempts");
            e.Property(x => x.NextAttemptAtMs).HasColumnName("next_attempt_at_ms");
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.Property(x => x.DoneAtMs).HasColumnName("done_at_ms");
            e.Property(x => x.TransactionHash).HasColumnName("transaction_hash").HasMaxLength(66);
            e.Property(x => x.BlockNumber).HasColumnName("block_number");
            e.Property(x => x.Error).HasColumnName("error");
            e.HasIndex(x => new { x.AccountId, x.Id }).HasDatabaseName("ix_account_chain_steps_account");
            // The sender's queue: only pending rows are indexed, so it stays small however many steps were recorded.
            e.HasIndex(x => x.Id).HasFilter("state = 'pending'").HasDatabaseName("ix_account_chain_steps_pending");
            e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).HasPrincipalKey(a => a.Id).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
