package useragent_test

import (
	"context"
	"fmt"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter/useragent"
)

func ExampleNew() {
	f, err := useragent.New(useragent.Config{Source: "ua"})
	if err != nil {
		fmt.Println(err)
		return
	}
	e := logpipe.NewEvent("GET /")
	e.Fields().Set("ua", logpipe.StringValue("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"))
	if _, err := f.Apply(context.Background(), logpipe.Batch{e}); err != nil {
		fmt.Println(err)
		return
	}
	for _, ref := range []string{"[user_agent][name]", "[user_agent][version]", "[user_agent][os][full]", "[user_agent][device][name]"} {
		v, _ := e.Get(logpipe.MustPath(ref))
		fmt.Println(ref, v)
	}
	// Output:
	// [user_agent][name] Mobile Safari
	// [user_agent][version] 18.1
	// [user_agent][os][full] iOS 18.1
	// [user_agent][device][name] iPhone
}
