package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wushe/wushe/service"
)

// page reads one page of col in _id order: documents matching filter with
// _id after the cursor. The next cursor is the last _id, or "" at the end.
func page[D any](ctx context.Context, col *mongo.Collection, filter bson.M, p service.Page, id func(*D) string) ([]*D, string, error) {
	f := bson.M{}
	for k, v := range filter {
		f[k] = v
	}
	if p.Cursor != "" {
		f["_id"] = bson.M{"$gt": p.Cursor}
	}
	// The whole page in the first batch: with the default of 101 documents
	// a page of 100 (and the one more that says whether a next exists)
	// costs a getMore, one more round trip.
	cur, err := col.Find(ctx, f, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(p.Limit)+1).SetBatchSize(int32(p.Limit)+2))
	if err != nil {
		return nil, "", translate(err, "list "+col.Name())
	}
	var docs []*D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, "", translate(err, "decode "+col.Name())
	}
	next := ""
	if len(docs) > p.Limit {
		docs = docs[:p.Limit]
		next = id(docs[len(docs)-1])
	}
	return docs, next, nil
}

// ancestors lists code and every division code that contains it, for
// equality matching of "inside division X" (FerretDB scans either way, but
// an array equality is in the subset both servers get right).
func ancestors(codes ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range codes {
		for _, n := range []int{4, 6, 9, 12} {
			if len(c) >= n && !seen[c[:n]] {
				seen[c[:n]] = true
				out = append(out, c[:n])
			}
		}
	}
	return out
}

// pageModels is page with each document turned into its model.
func pageModels[D, M any](ctx context.Context, col *mongo.Collection, filter bson.M, p service.Page, id func(*D) string, model func(*D) M) ([]M, string, error) {
	docs, next, err := page(ctx, col, filter, p, id)
	if err != nil {
		return nil, "", err
	}
	out := make([]M, len(docs))
	for i, d := range docs {
		out[i] = model(d)
	}
	return out, next, nil
}
