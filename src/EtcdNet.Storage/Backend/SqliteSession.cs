using EtcdNet.Storage.Schema;
using SQLitePCL;

namespace EtcdNet.Storage;

/// <summary>
/// One SQLite connection with its prepared statements, used by one thread at a time. We talk to SQLitePCL.raw
/// directly rather than through ADO.NET: it lets a range scan hand out spans over SQLite's own row buffer
/// (no copy, no boxing) and skips the per-command parameter bookkeeping on the hot read path.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private static readonly object InitLock = new();
    private static bool s_initialized;

    private readonly sqlite3 _db;
    private readonly BucketStatements?[] _statements = new BucketStatements?[256];
    private sqlite3_stmt? _begin;
    private sqlite3_stmt? _beginImmediate;
    private sqlite3_stmt? _commit;
    private sqlite3_stmt? _rollback;

    private SqliteSession(sqlite3 db) => _db = db;

    /// <summary>Opens (creating if needed) the database file with the given pragmas.</summary>
    public static SqliteSession Open(string path, BackendOptions options, bool writer)
    {
        EnsureInitialized();
        // NOMUTEX: every session is used by one thread at a time, so SQLite's own per-call mutex is pure cost.
        int flags = raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE | raw.SQLITE_OPEN_NOMUTEX;
        int rc = raw.sqlite3_open_v2(path, out sqlite3 db, flags, null);
        if (rc != raw.SQLITE_OK)
        {
            string message = raw.sqlite3_errstr(rc).utf8_to_string();
            db.Dispose();
            throw new BackendException($"open {path}: {message}");
        }
        var session = new SqliteSession(db);
        try
        {
            // Readers never wait for the writer in WAL mode; the busy timeout only covers checkpoints and opening.
            raw.sqlite3_busy_timeout(db, 10_000);
            session.Exec($"PRAGMA cache_size=-{options.CacheSizeKiB}");
            if (writer)
            {
                session.Exec("PRAGMA journal_mode=WAL");
                session.Exec(options.Fsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return session;
    }

    private static void EnsureInitialized()
    {
        lock (InitLock)
        {
            if (!s_initialized)
            {
                Batteries_V2.Init();
                s_initialized = true;
            }
        }
    }

    public void Exec(string sql)
    {
        int rc = raw.sqlite3_exec(_db, sql, null, null, out string? error);
        if (rc != raw.SQLITE_OK)
        {
            throw new BackendException($"{sql}: {error ?? raw.sqlite3_errstr(rc).utf8_to_string()}");
        }
    }

    public long QueryInt64(string sql)
    {
        sqlite3_stmt stmt = Prepare(sql);
        try
        {
            Step(stmt);
            return raw.sqlite3_column_int64(stmt, 0);
        }
        finally
        {
            stmt.Dispose();
        }
    }

    public void Begin() => RunOnce(_begin ??= Prepare("BEGIN"));

    public void BeginImmediate() => RunOnce(_beginImmediate ??= Prepare("BEGIN IMMEDIATE"));

    public void CommitTx() => RunOnce(_commit ??= Prepare("COMMIT"));

    public void Rollback() => RunOnce(_rollback ??= Prepare("ROLLBACK"));

    /// <summary>Point lookup; the value is copied out.</summary>
    public byte[]? Get(Bucket bucket, ReadOnlySpan<byte> key)
    {
        sqlite3_stmt stmt = Statements(bucket).Get;
        try
        {
            Bind(stmt, 1, key);
            return Step(stmt) ? raw.sqlite3_column_blob(stmt, 0).ToArray() : null;
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }

    /// <summary>Starts an ordered scan of [from, to); an empty <paramref name="to"/> means to the end of the bucket.</summary>
    public Scan Range(Bucket bucket, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        BucketStatements s = Statements(bucket);
        sqlite3_stmt stmt;
        if (to.IsEmpty)
        {
            stmt = s.RangeFrom;
            Bind(stmt, 1, from);
        }
        else
        {
            stmt = s.RangeBounded;
            Bind(stmt, 1, from);
            Bind(stmt, 2, to);
        }
        return new Scan(this, stmt);
    }

    public void Put(Bucket bucket, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        sqlite3_stmt stmt = Statements(bucket).Put;
        try
        {
            Bind(stmt, 1, key);
            Bind(stmt, 2, value);
            Step(stmt);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }

    public void Delete(Bucket bucket, ReadOnlySpan<byte> key)
    {
        sqlite3_stmt stmt = Statements(bucket).Delete;
        try
        {
            Bind(stmt, 1, key);
            Step(stmt);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }

    public void Dispose()
    {
        foreach (BucketStatements? s in _statements)
        {
            s?.Dispose();
        }
        _begin?.Dispose();
        _beginImmediate?.Dispose();
        _commit?.Dispose();
        _rollback?.Dispose();
        _db.Dispose();
    }

    /// <summary>An open scan over SQLite rows; the spans are valid until the next <see cref="MoveNext"/>.</summary>
    internal ref struct Scan
    {
        private readonly SqliteSession _session;
        private readonly sqlite3_stmt _stmt;

        public Scan(SqliteSession session, sqlite3_stmt stmt)
        {
            _session = session;
            _stmt = stmt;
        }

        public readonly ReadOnlySpan<byte> Key => raw.sqlite3_column_blob(_stmt, 0);

        public readonly ReadOnlySpan<byte> Value => raw.sqlite3_column_blob(_stmt, 1);

        public readonly bool MoveNext() => _session.Step(_stmt);

        public readonly void Dispose() => raw.sqlite3_reset(_stmt);
    }

    private void RunOnce(sqlite3_stmt stmt)
    {
        try
        {
            Step(stmt);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }

    private bool Step(sqlite3_stmt stmt)
    {
        int rc = raw.sqlite3_step(stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }
        throw new BackendException(raw.sqlite3_errmsg(_db).utf8_to_string());
    }

    private static void Bind(sqlite3_stmt stmt, int index, ReadOnlySpan<byte> value)
    {
        // An empty span would bind NULL, which compares unequal to everything; an empty blob sorts first, as etcd's empty key.
        int rc = value.IsEmpty ? raw.sqlite3_bind_zeroblob(stmt, index, 0) : raw.sqlite3_bind_blob(stmt, index, value);
        if (rc != raw.SQLITE_OK)
        {
            throw new BackendException($"bind: {raw.sqlite3_errstr(rc).utf8_to_string()}");
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        int rc = raw.sqlite3_prepare_v2(_db, sql, out sqlite3_stmt stmt);
        if (rc != raw.SQLITE_OK)
        {
            string message = raw.sqlite3_errmsg(_db).utf8_to_string();
            stmt.Dispose();
            throw new BackendException($"{sql}: {message}");
        }
        return stmt;
    }

    private BucketStatements Statements(Bucket bucket) =>
        _statements[bucket.Id] ??= new BucketStatements(this, bucket.TableName);

    private sealed class BucketStatements : IDisposable
    {
        public BucketStatements(SqliteSession session, string table)
        {
            Get = session.Prepare($"SELECT v FROM \"{table}\" WHERE k = ?1");
            RangeFrom = session.Prepare($"SELECT k, v FROM \"{table}\" WHERE k >= ?1 ORDER BY k");
            RangeBounded = session.Prepare($"SELECT k, v FROM \"{table}\" WHERE k >= ?1 AND k < ?2 ORDER BY k");
            Put = session.Prepare($"INSERT OR REPLACE INTO \"{table}\"(k, v) VALUES (?1, ?2)");
            Delete = session.Prepare($"DELETE FROM \"{table}\" WHERE k = ?1");
        }

        public sqlite3_stmt Get { get; }
        public sqlite3_stmt RangeFrom { get; }
        public sqlite3_stmt RangeBounded { get; }
        public sqlite3_stmt Put { get; }
        public sqlite3_stmt Delete { get; }

        public void Dispose()
        {
            Get.Dispose();
            RangeFrom.Dispose();
            RangeBounded.Dispose();
            Put.Dispose();
            Delete.Dispose();
        }
    }
}
