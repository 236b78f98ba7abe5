package embedded

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// BenchmarkIDLookup measures FindOne by a random string _id in a collection of N small documents,
// after IndexIDs. The target is that 100,000 documents are less than 3x slower than 1,000.
//
//	go test -run x -bench IDLookup -benchtime 2000x ./store/embedded/
//
// noindex/docs=100000 is the same without IndexIDs (FerretDB scans the table for every lookup,
// hundreds of ms each); it runs only when -bench names it:
//
//	go test -run x -bench 'IDLookup/noindex' -benchtime 20x ./store/embedded/
func BenchmarkIDLookup(b *testing.B) {
	m, c := startMongo(b, b.TempDir())

	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			benchIDLookup(b, m, c, n, true)
		})
	}
	b.Run("noindex/docs=100000", func(b *testing.B) {
		if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "noindex") {
			b.Skip("slow; run with -bench IDLookup/noindex")
		}
		benchIDLookup(b, m, c, 100_000, false)
	})
}

func benchIDLookup(b *testing.B, m *Mongo, c *mongo.Client, n int, index bool) {
	ctx := b.Context()
	dbName := fmt.Sprintf("bench_%d_%t", n, index)
	if err := c.Database(dbName).Drop(ctx); err != nil { // a fresh database for every -count run
		b.Fatal(err)
	}
	coll := c.Database(dbName).Collection("docs")

	start := time.Now()
	const batch = 1000
	docs := make([]any, 0, batch)
	for i := range n {
		docs = append(docs, bson.M{"_id": benchID(i), "n": i, "name": "volunteer", "hours": i % 40})
		if len(docs) == batch || i == n-1 {
			if _, err := coll.InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			docs = docs[:0]
		}
	}
	inserted := time.Since(start)

	if index {
		start = time.Now()
		if err := m.IndexIDs(ctx, dbName); err != nil {
			b.Fatal(err)
		}
		b.Logf("%d docs: inserted in %v, IndexIDs in %v", n, inserted.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	} else {
		b.Logf("%d docs: inserted in %v, no IndexIDs", n, inserted.Round(time.Millisecond))
	}

	rng := rand.New(rand.NewPCG(1, 2))
	var doc struct {
		N int `bson:"n"`
	}
	for b.Loop() {
		i := rng.IntN(n)
		if err := coll.FindOne(ctx, bson.M{"_id": benchID(i)}).Decode(&doc); err != nil {
			b.Fatal(err)
		}
		if doc.N != i {
			b.Fatalf("FindOne(%s) returned n=%d", benchID(i), doc.N)
		}
	}
}

func benchID(i int) string { return fmt.Sprintf("vol-%07d", i) }
