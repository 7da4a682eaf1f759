// Command ferretdb runs FerretDB v1 (MongoDB wire protocol on SQLite) for Outband's
// development stack and tests.
//
// It wraps the embeddable package instead of building FerretDB's own command, whose
// `go install` panics on the missing build/version/version.txt (FerretDB#2982).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data/ferretdb", "directory holding one SQLite file per database")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level %q", *logLevel)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fail("bad -data-dir: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fail("cannot create %s: %v", dir, err)
	}

	db, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/", // FerretDB requires the trailing slash
	})
	if err != nil {
		fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go indexIDLookups(ctx, dir, logger)

	// One line a launcher can wait for.
	fmt.Fprintf(os.Stderr, "ferretdb listening on %s (sqlite in %s)\n", *listen, dir)
	if err := db.Run(ctx); err != nil && ctx.Err() == nil {
		fail("%v", err)
	}
}

// indexIDLookups works around a FerretDB 1.24 SQLite bug: its `{_id: …}` pushdown queries
// `_ferretdb_sjson->'$._id'`, but the unique `_id` index it creates is on `_ferretdb_sjson->"_id"`,
// an expression SQLite does not match, so every lookup by `_id` scanned the whole collection,
// parsing each document's JSON (EXPLAIN QUERY PLAN: SCAN instead of SEARCH USING INDEX). Outband
// reads and writes almost everything by `_id`, so FerretDB's CPU per flow grew with every
// document stored (docs/benchmarks.md). Every two seconds this adds, to each collection's table
// that lacks it, an index on the expression the pushdown uses (FerretDB creates tables on first
// use). FerretDB does not know of the index: a dropped collection takes it along.
func indexIDLookups(ctx context.Context, dir string, logger *slog.Logger) {
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			db := dbs[file]
			if db == nil {
				var err error
				if db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)"); err != nil {
					continue
				}
				db.SetMaxOpenConns(1)
				dbs[file] = db
			}
			if err := addIDLookupIndexes(ctx, db); err != nil && ctx.Err() == nil {
				logger.Warn("could not index _id lookups", "file", file, "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

// addIDLookupIndexes creates the missing `_id` lookup indexes of one database file.
func addIDLookupIndexes(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || '__id_lookup')`)
	if err != nil {
		return err // no collection yet: the metadata table appears with the first one
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"__id_lookup", table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
