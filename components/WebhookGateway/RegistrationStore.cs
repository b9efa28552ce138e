using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ComponentSdk;
using Microsoft.Data.Sqlite;

namespace WebhookGateway;

/// <summary>
/// Registrations in a SQLite file that survives restarts. Tokens are random (256 bits) and only their SHA-256 is
/// kept: a token is shown once, when it is made, and checked in constant time.
/// </summary>
public sealed class RegistrationStore
{
    private readonly string connectionString;

    /// <summary>Opens (and creates when missing) the database at <paramref name="path"/>.</summary>
    public RegistrationStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using SqliteConnection connection = Open();
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS registrations (
                jid TEXT PRIMARY KEY,
                hook_id TEXT NOT NULL UNIQUE,
                token_hash BLOB NOT NULL,
                token_created TEXT NOT NULL)
            """);
    }

    /// <summary>Registers <paramref name="jid"/> (a bare JID), or gives it a new token; returns the registration and the token.</summary>
    public async Task<(Registration Registration, string Token)> RegisterAsync(Jid jid, CancellationToken cancellationToken)
    {
        string token = NewSecret(32);
        Registration? existing = await FindAsync(jid, cancellationToken).ConfigureAwait(false);
        var registration = new Registration(jid.Bare, existing?.HookId ?? NewSecret(12), DateTimeOffset.UtcNow);
        await using SqliteConnection connection = Open();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO registrations (jid, hook_id, token_hash, token_created) VALUES ($jid, $hook, $hash, $created)
            ON CONFLICT(jid) DO UPDATE SET token_hash = excluded.token_hash, token_created = excluded.token_created
            """;
        command.Parameters.AddWithValue("$jid", registration.Jid.ToString());
        command.Parameters.AddWithValue("$hook", registration.HookId);
        command.Parameters.AddWithValue("$hash", Hash(token));
        command.Parameters.AddWithValue("$created", registration.TokenCreated.ToString("O", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return (registration, token);
    }

    /// <summary>The registration of <paramref name="jid"/> (bare), or null.</summary>
    public async Task<Registration?> FindAsync(Jid jid, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE jid = $key", jid.Bare.ToString(), cancellationToken).ConfigureAwait(false)).FirstOrDefault()?.Registration;

    /// <summary>The registration whose webhook is <paramref name="hookId"/>, when <paramref name="token"/> is its token; otherwise null.</summary>
    public async Task<Registration?> AuthorizeAsync(string hookId, string token, CancellationToken cancellationToken)
    {
        var found = (await QueryAsync("WHERE hook_id = $key", hookId, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        // Hash what was given either way, so that an unknown id and a wrong token take the same time.
        byte[] given = Hash(token);
        return found is not null && CryptographicOperations.FixedTimeEquals(given, found.Value.TokenHash) ? found.Value.Registration : null;
    }

    /// <summary>Removes the registration of <paramref name="jid"/>; false when there was none.</summary>
    public async Task<bool> RemoveAsync(Jid jid, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = Open();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "DELETE FROM registrations WHERE jid = $jid";
        command.Parameters.AddWithValue("$jid", jid.Bare.ToString());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Every registration, by address.</summary>
    public async Task<IReadOnlyList<Registration>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await QueryAsync("ORDER BY jid", null, cancellationToken).ConfigureAwait(false)).Select(r => r!.Value.Registration)];

    private async Task<List<(Registration Registration, byte[] TokenHash)?>> QueryAsync(string where, string? key, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = Open();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT jid, hook_id, token_hash, token_created FROM registrations {where}";
        if (key is not null) command.Parameters.AddWithValue("$key", key);
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(Registration, byte[])?>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var registration = new Registration(Jid.Parse(reader.GetString(0)), reader.GetString(1),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
            rows.Add((registration, (byte[])reader.GetValue(2)));
        }
        return rows;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string NewSecret(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));
}
