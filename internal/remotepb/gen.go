// Package remotepb holds the remote executor's protocol messages
// (actorfutures_remote.proto) and the generated code for them, committed so
// that building needs no protoc. Regenerate after editing the .proto:
//
//	apt-get install -y protobuf-compiler                               # protoc 3.21.12
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.33.0  # the runtime's version
//	PATH=$PATH:$(go env GOPATH)/bin go generate ./internal/remotepb
//
// The .proto imports protoactor-go's "actor.proto" for PIDs, spelled that
// way because protoactor-go registers its file under that name.
package remotepb

//go:generate sh -c "protoc -I . -I $(go list -m -f '{{.Dir}}' github.com/asynkron/protoactor-go)/actor --go_out=. --go_opt=paths=source_relative --go_opt=Mactor.proto=github.com/asynkron/protoactor-go/actor actorfutures_remote.proto"
