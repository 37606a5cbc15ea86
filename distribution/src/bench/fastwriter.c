// The shared bench's log writer (children/logwriter.py) with a fast source: the same
// arguments, "S"/"E" markers and numbered 100-byte lines (so the bench's check of every line
// still holds), written in CHUNK-byte write()s from a ring of 10,400 lines that stays in the
// cache, renumbered in place, instead of slices of a freshly made 100 MB buffer. See
// docs/benchmarks.md, "When the writer is fast". FW_DELAY: seconds before "S" (default 1.5,
// what the Python writer spends making its lines); FW_REPEAT: bursts, 2 s apart (default 1).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>
#include <signal.h>
#include <poll.h>
#include <errno.h>
static long long mono(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
static void mark(const char*fifo,const char*tag,long long t){int fd=open(fifo,O_WRONLY);char b[128];int n=snprintf(b,sizeof b,"%s %d %lld\n",tag,getpid(),t);write(fd,b,n);close(fd);}
int main(int c,char**v){long n=atol(v[1]);const char*fifo=v[2];int size=c>3?atoi(v[3]):100;int chunk=c>4?atoi(v[4]):65536;
 const char*delay=getenv("FW_DELAY");double d=delay?atof(delay):1.5;
 int pad=size-12;char fill[4096];const char*A="abcdefghijklmnopqrstuvwxyz";for(int i=0;i<pad+52;i++)fill[i]=A[i%26];
 long R=26*400;char*ring=malloc(R*size);
 for(long j=0;j<R;j++){char*l=ring+j*size;memset(l,'0',10);l[10]=' ';memcpy(l+11,fill+(j%26),pad);l[size-1]='\n';}
 struct timespec ts={(time_t)d,(long)((d-(long)d)*1e9)};nanosleep(&ts,0);
 const char*rep=getenv("FW_REPEAT");int reps=rep?atoi(rep):1;
 for(int r=0;r<reps;r++){ if(r){struct timespec g={2,0};nanosleep(&g,0);}
 mark(fifo,"S",mono());
 for(long base=0;base<n;base+=R){long m=n-base<R?n-base:R;
  for(long j=0;j<m;j++){long x=base+j;char*l=ring+j*size;for(int k=9;k>=0;k--){l[k]='0'+x%10;x/=10;}}
  long total=m*size,off=0;
  while(off<total){long w=total-off<chunk?total-off:chunk;ssize_t r=write(1,ring+off,w);
   if(r<0){if(errno==EAGAIN){struct pollfd p={1,POLLOUT,0};poll(&p,1,1000);continue;}return 1;}off+=r;}}
 mark(fifo,"E",mono());}
 for(;;)pause();}
